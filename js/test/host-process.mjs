// A truce-host process for the JS tests: SQLite in a temporary folder, a
// free loopback port read from its first log line, SIGTERM and cleanup on
// stop(). Extra flags (--static, --mount …) are passed through.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = fileURLToPath(new URL('../../', import.meta.url));
export const hostBin = process.env.TRUCE_HOST_BIN ?? path.join(repo, 'build/native/native/truce-host');

export async function startHost(flags = []) {
  if (!existsSync(hostBin)) throw new Error(`${hostBin} is missing: build the native preset first`);
  const work = mkdtempSync(path.join(os.tmpdir(), 'truce-js-host-'));
  const log = path.join(work, 'host.log');
  const child = spawn(hostBin, ['--listen', '127.0.0.1:0', '--store', `sqlite:${path.join(work, 'test.db')}`, ...flags],
    { stdio: ['ignore', 'ignore', openSync(log, 'w')] });
  let url = '';
  for (let i = 0; i < 200 && !url; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    url = /"url":"([^"]+)"/.exec(readFileSync(log, 'utf8'))?.[1] ?? '';
  }
  if (!url) throw new Error(`truce-host did not start: ${readFileSync(log, 'utf8')}`);
  return {
    url,
    api: `${url}/api/docs/`,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(work, { recursive: true, force: true });
    },
  };
}
