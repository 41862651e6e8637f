import type { NoteResolvers, NoteTargetResolvers } from '../generated/graphql.js';
import { NOTE, NOTE_TARGET } from '../model/index.js';
import { recordResolvers } from './record.js';
import { targetIdResolvers } from './targets.js';

export const Note = recordResolvers(NOTE) as NoteResolvers;

export const NoteTarget: NoteTargetResolvers = {
  ...(recordResolvers(NOTE_TARGET) as NoteTargetResolvers),
  ...targetIdResolvers(NOTE_TARGET, 'noteId'),
};
