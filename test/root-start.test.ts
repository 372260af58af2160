/**
 * The root `npm start` runs the express-jwt example in demo mode, and ending
 * the process it started (`kill <pid>` of npm, SIGTERM) ends the server too:
 * npm runs scripts through a shell that does not pass the signal on, so
 * scripts/start.mjs stops the server once npm is gone.
 */
import { once } from 'node:events';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { challenge } from './support/challenge-lines.js';
import { repoRoot, startListening } from './support/examples.js';

/** Whether a TCP connection to the server's port is refused. */
function refused(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

/** Polls until the port refuses connections; false if it still answers after `tries` attempts. */
async function stopsAnswering(url: string, tries = 100): Promise<boolean> {
  for (let attempt = 0; attempt < tries; attempt++) {
    if (await refused(url)) return true;
    await sleep(100);
  }
  return false;
}

it('npm start serves the demo (401, then 200 with a demo token); SIGTERM to npm ends the server', async () => {
  const started = await startListening('npm', ['start', '--silent'], repoRoot);
  try {
    const { url, child } = started;
    expect(started.output()).toContain(`Listening on ${url} (demo mode: tokens from /demo/token)`);
    const anonymous = await fetch(`${url}/orders`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe(challenge.bearer({ realm: 'orders' }));
    const { access_token } = (await (await fetch(`${url}/demo/token?scope=orders:read`)).json()) as {
      access_token: string;
    };
    const ok = await fetch(`${url}/orders`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(ok.status).toBe(200);

    const exited = once(child, 'exit');
    process.kill(child.pid as number, 'SIGTERM'); // npm's pid only, as `kill <pid>` does
    await exited;
    expect(await stopsAnswering(url)).toBe(true);
  } finally {
    await started.stop();
  }
});
