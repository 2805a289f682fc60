import { makeFloor } from './floor.mjs';
export const create = makeFloor(true);
