/**
 * A message's size as nats-server counts it towards a stream's bytes (and so max_bytes and
 * account storage). Read from server/filestore.go fileStoreMsgSize and memstore.go
 * memStoreMsgSize (v2.9.10): the two store types count differently, and clients see it in
 * stream info, so each store counts as its nats-server counterpart.
 */

/** File store: record length(4) + seq(8) + ts(8) + subj_len(2) + subj + [hdr_len(4) + hdr] + msg + hash(8). */
export function fileMsgSize(subjectLen: number, hdrLen: number, msgLen: number): number {
  return hdrLen === 0 ? 30 + subjectLen + msgLen : 34 + subjectLen + hdrLen + msgLen;
}

/** Memory store: subject + hdr + msg + 16 (seq and timestamp). */
export function memoryMsgSize(subjectLen: number, hdrLen: number, msgLen: number): number {
  return subjectLen + hdrLen + msgLen + 16;
}
