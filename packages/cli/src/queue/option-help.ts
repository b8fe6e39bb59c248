// The `--queue` option's help line, shared by the commands that can hand their work to `vadc worker`s.

/** What `--queue` does, for `vadc sweep --help` and `vadc score --help`. */
export const QUEUE_OPTION_HELP = 'redis://[user:password@]host:port[/db] (or rediss:// for TLS): put the work on this BullMQ queue '
  + 'for `vadc worker`s and wait for it (progress on stderr); the workers must see the dataset and output folder at the same paths '
  + '(or use --path-map); the results are the same files as without --queue';
