import type { NoteResolvers, NoteTargetResolvers } from '../generated/graphql.js';
import { noteSpec } from './objects.js';
import { targetResolvers } from './targets.js';
import { customFields } from './relations.js';

export const Note: NoteResolvers = {
  customFields: (note) => customFields(note, noteSpec),
  targets: (note, _args, ctx) => ctx.loaders.byForeignKey('noteTargets', 'noteId').load(note.id),
};

export const NoteTarget: NoteTargetResolvers = targetResolvers('noteId');
