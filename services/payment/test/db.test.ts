import { describeDatabaseTimeouts } from '@switchyard/testing';
import { createDb } from '../src/db.js';

// The pool cancels a slow statement and abandons a silent connect, both as transient failures.
describeDatabaseTimeouts({ service: 'payment', createDb });
