// Types of a run's lease shared by run-lease.ts (taking and holding it) and lease-renewer.ts (renewing it).

/** Who holds a lease, as the store shows it (for messages) and the token that decides. */
export interface LeaseHolder {
  token: string;
  /** host, process and start time of the holder: for people, never for decisions. */
  holder: string;
}

/** What the renewer thread renews. */
export type RenewerTarget =
  | { kind: 'file'; path: string }
  | { kind: 'redis'; host: string; port: number; tls: boolean; username: string | null; password: string | null; db: number; key: string };
