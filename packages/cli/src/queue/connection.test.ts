// Queue addresses and path maps: what `--queue` and `--path-map` accept, and the errors for what they do not.
import { describe, expect, it } from 'vitest';
import { parseQueueUrl } from './connection.ts';
import { mapPath, parsePathMaps } from './path-map.ts';

describe('parseQueueUrl', () => {
  it('reads user, password, host, port and database, and hides the password', () => {
    const address = parseQueueUrl('redis://vadc:s%40cret@redis.lab:6380/2');
    expect(address.connection).toMatchObject({ host: 'redis.lab', port: 6380, db: 2, username: 'vadc', password: 's@cret', maxRetriesPerRequest: null });
    expect(address.display).toBe('redis://vadc:***@redis.lab:6380/2');
    expect(address.connection).not.toHaveProperty('tls');
  });

  it('defaults the port and database, and turns on TLS for rediss://', () => {
    const address = parseQueueUrl('rediss://cache.example');
    expect(address.connection).toMatchObject({ host: 'cache.example', port: 6379, db: 0, tls: { servername: 'cache.example' } });
    expect(address.display).toBe('rediss://cache.example/0');
  });

  it('refuses other schemes and databases', () => {
    expect(() => parseQueueUrl('http://host:6379')).toThrow('--queue must start with redis:// or rediss://, not "http://"');
    expect(() => parseQueueUrl('localhost:6379')).toThrow(/--queue must start with redis:\/\//);
    expect(() => parseQueueUrl('redis://host:6379/x')).toThrow('--queue database must be a whole number (the path after the port), not "x"');
  });
});

describe('--path-map', () => {
  it('maps whole path components, first match first', () => {
    const maps = parsePathMaps(['/home/me/runs/=/shared/runs', '/home/me=/shared/me']);
    expect(mapPath('/home/me/runs/quickstart/x', maps)).toBe('/shared/runs/quickstart/x');
    expect(mapPath('/home/me/data', maps)).toBe('/shared/me/data');
    expect(mapPath('/home/meadow', maps)).toBe('/home/meadow');
    expect(mapPath('/home/me', maps)).toBe('/shared/me');
  });

  it('refuses relative folders and missing =', () => {
    expect(() => parsePathMaps(['runs=/shared'])).toThrow('--path-map must be /from=/to (two absolute folders), not "runs=/shared"');
    expect(() => parsePathMaps(['/a'])).toThrow(/--path-map must be/);
  });
});
