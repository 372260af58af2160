// Every benchmark writes its own section of bench/results/latest.json, keeping the others.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('./results/', import.meta.url));
const latest = `${dir}latest.json`;

/** Replaces `section` of latest.json with `data`, stamped with the date. */
export function saveSection(section, data) {
  mkdirSync(dir, { recursive: true });
  let existing = {};
  try {
    existing = JSON.parse(readFileSync(latest, 'utf8'));
  } catch {
    existing = {};
  }
  const value = { date: new Date().toISOString(), ...data };
  writeFileSync(latest, `${JSON.stringify({ ...existing, [section]: value }, null, 2)}\n`);
}
