/** `vgg train`'s progress bar on a terminal: every frame, the first included, shows numbers or '–', never a placeholder. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { trainingProgressBar } from '../../src/cli/train.js';

/** A stream that claims to be a 100-column terminal and keeps what is written. */
function fakeTerminal(): { stream: NodeJS.WritableStream; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  Object.assign(stream, {
    isTTY: true,
    columns: 100,
    cursorTo: () => true,
    clearLine: () => true,
    clearScreenDown: () => true,
    moveCursor: () => true,
  });
  return { stream, text: () => chunks.join('') };
}

describe('vgg train progress bar', () => {
  it('draws its first frame without {loss} {acc} {ips} placeholders', () => {
    const { stream, text } = fakeTerminal();
    const bar = trainingProgressBar(stream);
    bar.update({ epoch: 1, step: 1, steps: 937, loss: 2.3026, accuracy: 0.125, imagesPerSecond: 812.4 });
    bar.update({ epoch: 1, step: 2, steps: 937, loss: 2.2, accuracy: 0.15, imagesPerSecond: 820 });
    bar.stop();
    const frames = text();
    assert.doesNotMatch(frames, /\{(loss|acc|ips|epoch)\}/);
    assert.match(frames, /epoch 1 .* 0\/937 \| loss – \| acc –% \| – img\/s/);
    assert.match(frames, /loss 2\.2000 \| acc 15\.0% \| 820 img\/s/);
  });
});
