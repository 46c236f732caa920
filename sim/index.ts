/**
 * The package entry (`import { definePolicy } from 'swarmsim'`): what a policy module needs.
 * The short way is definePolicy (a rule over the standard history of each known peer); the full
 * seam (ReconnectPolicy, PolicyFactory) is for policies that keep their own storage.
 */
export { definePolicy } from './policies/define.js';
export type { ParamDecl, ParamDecls, ParamValues, PolicyRule } from './policies/define.js';
export { HistoryPolicy, HistoryRecord, closeOutcome } from './policies/history.js';
export type { Outcome, PeerHistory } from './policies/history.js';
export { Source, SOURCE_NAMES } from './policies/source.js';
export { CLOSE_REASONS, NO_FLAGS } from './policies/policy.js';
export type {
  CloseInfo,
  CloseReason,
  ConnectFailure,
  HostView,
  ParamSpec,
  PeerFlags,
  PolicyFactory,
  PolicyParams,
  ReconnectPolicy,
  RemoteState,
  SeenReason,
} from './policies/policy.js';
export type { PeerInfo } from './policies/peer-info.js';
export type { RandomStream } from './engine/random.js';
