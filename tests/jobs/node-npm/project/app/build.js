'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { padStart } = require('rw-pad');

fs.mkdirSync('dist', { recursive: true });
const lines = [1, 22, 333].map((n) => padStart(n, 5, '.'));
fs.writeFileSync(path.join('dist', 'table.txt'), lines.join('\n') + '\n');
// Build tools keep temporary files in the system's temporary directory.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-build-'));
fs.writeFileSync(path.join(tmp, 'stamp'), 'built\n');
console.log('built dist/table.txt');
