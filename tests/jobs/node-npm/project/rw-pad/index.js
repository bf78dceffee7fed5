'use strict';

function padStart(value, width, fill = ' ') {
  const s = String(value);
  return s.length >= width ? s : fill.repeat(width - s.length) + s;
}

module.exports = { padStart };
