import { createApp } from './app.js';

const port = Number(process.env.PORT || 3000);
const host = process.env.HOST || '127.0.0.1';

const server = createApp().listen(port, host, () => {
  const { port: actual } = server.address();
  const url = `http://${host}:${actual}`;
  console.log(`Listening on ${url}
Try:
  curl -i ${url}/me                                   # 401 with a Basic challenge
  curl -i -u alice:wonderland ${url}/admin            # 403: alice is not an admin
  curl -i -u 'admin:correct horse battery staple' ${url}/admin   # 200`);
});
