import { Me } from '@redoubt/contracts/api';
import { parseAs } from '../http/parse';

/** GET /api/me's answer checked against the contract (loaded lazily by session.ts). */
export const checkMe = parseAs(Me);
