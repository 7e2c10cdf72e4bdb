import type { Case } from "./conformance.ts";
export const crashCases: Case[] = [];
