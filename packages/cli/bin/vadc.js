#!/usr/bin/env node
// The `vadc` binary. A committed file rather than dist/main.js itself: pnpm links binaries while it installs, before
// the build has written dist/, and warns about a bin target that does not exist yet.
import '../dist/main.js';
