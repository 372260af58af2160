// Demo users. Passwords are stored as scrypt hashes, never in clear text.
// Make a record for your own user with:
//   node -e "const c=require('crypto');const s=c.randomBytes(16);console.log(s.toString('base64'),c.scryptSync(process.argv[1].normalize('NFC'),s,32).toString('base64'))" 'the password'
import { scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const scryptAsync = promisify(scrypt);

const users = new Map([
  ['alice', { salt: 'UVHv/6C9nKfEQiCCN0XR/Q==', hash: 'kQnJX8jquBD1YzERLivKi1+LkiEHLhhKRWi31V7oyv8=', roles: [] }],
  [
    'admin',
    { salt: 'fJgufro+cEHV9C64aE3JUg==', hash: 'DfYWE/hG7AG9JQUQ1H8mDvt9ef1hH04A2jkFX6k9FIg=', roles: ['admin'] },
  ],
]);

// Unknown users cost the same scrypt work, so response times do not reveal which user names exist.
const nobody = { salt: 'AAAAAAAAAAAAAAAAAAAAAA==', hash: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' };

/** basicAuth's verify: the principal for a right user and password, false otherwise. */
export async function verifyUser(user, password) {
  const record = users.get(user);
  const { salt, hash } = record ?? nobody;
  const derived = await scryptAsync(password, Buffer.from(salt, 'base64'), 32);
  const match = timingSafeEqual(derived, Buffer.from(hash, 'base64'));
  return match && record ? { user, roles: record.roles } : false;
}
