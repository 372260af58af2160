import { authUnavailable, credentialsRequired, forbidden } from '@auth-errors/core';
import { appendToList, createRenderer } from '@auth-errors/core/adapter';
import { describe, expect, it } from 'vitest';

describe('appendToList', () => {
  it('adds names once, case-insensitively, to what a CORS layer set', () => {
    expect(appendToList(undefined, ['WWW-Authenticate'])).toBe('WWW-Authenticate');
    expect(appendToList('', ['WWW-Authenticate'])).toBe('WWW-Authenticate');
    expect(appendToList('X-Request-Id', ['WWW-Authenticate'])).toBe('X-Request-Id, WWW-Authenticate');
    expect(appendToList('www-authenticate, X-Id', ['WWW-Authenticate'])).toBe('www-authenticate, X-Id');
    expect(appendToList(['X-A', 'X-B ,, '], ['Retry-After'])).toBe('X-A, X-B, Retry-After');
    expect(appendToList(42, ['Retry-After'])).toBe('Retry-After');
  });
});

describe('render: expose', () => {
  const render = createRenderer();
  const origin = 'https://app.example';
  it('is empty without an Origin', () => {
    expect(render(credentialsRequired(), { method: 'GET' })?.expose).toEqual([]);
  });
  it('names the challenge on a cross-origin 401, Retry-After on a 503, nothing on a bare 403', () => {
    expect(render(credentialsRequired(), { method: 'GET', origin })?.expose).toEqual(['WWW-Authenticate']);
    expect(render(authUnavailable(), { method: 'GET', origin })?.expose).toEqual(['Retry-After']);
    expect(render(forbidden(), { method: 'GET', origin })?.expose).toEqual([]);
  });
});
