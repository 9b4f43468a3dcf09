export { HASH_SIZE, LEAF_PREFIX, NODE_PREFIX, EMPTY_ROOT, hashLeaf, hashChildren, bytesEqual, isHash } from './hashing';
export type { NodeId, Node, NodeReader } from './node';
export { nodeCoverage } from './node';
export { CompactRange, frontierIds } from './compact-range';
export { rootFromLeafHashes } from './root';
export { ProofNodes, inclusionNodes, consistencyNodes, readProof, inclusionProof, consistencyProof } from './proof';
export type { ProofErrorReason } from './verify';
export {
  ProofError,
  rootFromInclusionProof,
  verifyInclusion,
  rootFromConsistencyProof,
  verifyConsistency,
} from './verify';
export { MemoryNodeStore } from './memory-node-store';
export { InclusionMemory } from './inclusion-memory';
export type { TreeHead, TrustedHead, Leaf } from './inclusion-memory';
