import { describe, expect, it } from 'vitest';
import { OutputTail } from '../../../../src/shared/tools/cache-dir';

const ADDRESS_IN_USE = /address already in use/i;

/**
 * The shape of the Temporal CLI's output when an internal service's port is taken: its logger writes the server's fatal
 * "Failed to start gRPC listener" at ERROR without exiting (temporalcli/devserver/log.go), then start-up panics. CI (stop
 * 33) kept only the trace's last 40 lines, the cause gone: the start was not retried.
 */
function cliPanicOutput(frames: number): string {
  const lines = [
    'time=2026-12-03T07:31:02.118 level=ERROR msg="Failed to start gRPC listener" error="listen tcp 127.0.0.1:40311: bind: address already in use" service=history address=127.0.0.1:40311',
    'panic: runtime error: invalid memory address or nil pointer dereference',
    '[signal SIGSEGV: segmentation violation code=0x1 addr=0x28 pc=0x1c4f2a1]',
    '',
    'goroutine 1 [running]:',
  ];
  for (let i = 0; i < frames; i += 1) {
    lines.push(`go.uber.org/dig.paramList.BuildList(frame ${i})`, `\t/root/go/pkg/mod/go.uber.org/dig@v1.18.1/param.go:${151 + i} +0xad`);
  }
  return `${lines.join('\n')}\n`;
}

describe('OutputTail (a child process output kept for error messages)', () => {
  it('sees a watched cause printed before a stack trace longer than its tail (the dev server start retried on fresh ports)', () => {
    const tail = new OutputTail(40, [ADDRESS_IN_USE]);
    tail.push(cliPanicOutput(60));
    expect(tail.saw(ADDRESS_IN_USE)).toBe(true);
    // The message shows the cause and the end of the trace.
    expect(tail.toString()).toMatch(/^time=.*Failed to start gRPC listener[\s\S]*… \(\d+ lines left out\)[\s\S]*param\.go:210 \+0xad$/);
  });

  it('does not see a watched cause the process never printed', () => {
    const tail = new OutputTail(40, [ADDRESS_IN_USE]);
    tail.push(cliPanicOutput(60).replace('bind: address already in use', 'bind: permission denied'));
    expect(tail.saw(ADDRESS_IN_USE)).toBe(false);
  });

  it('keeps the first lines (the cause) and the last ones, and says how many it left out between', () => {
    const tail = new OutputTail(5, [], 2);
    for (let i = 1; i <= 20; i += 1) tail.add(`line ${i}`);
    expect(tail.toString().split('\n')).toEqual([
      'line 1',
      'line 2',
      '… (13 lines left out)',
      'line 16',
      'line 17',
      'line 18',
      'line 19',
      'line 20',
    ]);
  });

  it('joins lines split across chunks, and counts an unfinished last line', () => {
    const tail = new OutputTail(40, [ADDRESS_IN_USE]);
    tail.push('listen tcp: bind: address al');
    expect(tail.saw(ADDRESS_IN_USE)).toBe(false);
    tail.push('ready in use');
    expect(tail.saw(ADDRESS_IN_USE)).toBe(true);
    expect(tail.toString()).toBe('listen tcp: bind: address already in use');
  });

  it('refuses to answer for a pattern it was not asked to watch (its earlier lines are gone)', () => {
    expect(() => new OutputTail(40).saw(ADDRESS_IN_USE)).toThrow(/does not watch/);
  });
});
