'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { padStart } = require('rw-pad');

test('pads to the width', () => {
  assert.strictEqual(padStart(7, 3, '0'), '007');
});

test('leaves long values alone', () => {
  assert.strictEqual(padStart('abcd', 2), 'abcd');
});
