// Starts `homeward demo` on a free port in a fresh data directory and resolves once it prints
// its address. The demo seeds about 500 children and 300 tracing requests with the logins of
// crates/homeward/src/commands/demo.rs (password `homeward-demo` for all).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DEMO_PASSWORD = 'homeward-demo';

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export async function startDemo(binary) {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'homeward-browser-'));
  const child = spawn(binary, ['demo', '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir], {
    // No metrics listener: it would collide with another Homeward on the machine.
    env: { ...process.env, HOMEWARD_METRICS_LISTEN: '', RUST_LOG: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`homeward demo did not start in 300 s:\n${output}`)), 300_000);
    const onData = (chunk) => {
      output += chunk.toString();
      const m = output.match(/running at (http:\/\/[^\s]+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`homeward demo could not be started (${binary}): ${err.message}`));
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`homeward demo exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
