// `npm start` at the repository root: the express-jwt example in demo mode,
// in this process (no nested `npm start --workspace`).
//
// npm runs a script through a shell (`sh -c`), and ending npm's process ends
// that shell but not its child: left alone, this server would keep running
// after `kill <npm's pid>`. So it watches the process that started it and
// stops when that one is gone.
process.env.DEMO = '1';

const parent = process.ppid;
function parentIsGone() {
  if (process.ppid !== parent) return true; // re-parented: POSIX
  try {
    process.kill(parent, 0); // throws once the parent has exited: Windows keeps the old ppid
    return false;
  } catch (error) {
    return error.code === 'ESRCH';
  }
}
setInterval(() => {
  if (parentIsGone()) process.kill(process.pid, 'SIGTERM');
}, 200).unref();

await import('../examples/express-jwt/server.js');
