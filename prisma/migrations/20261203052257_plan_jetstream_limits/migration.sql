-- AlterTable
ALTER TABLE "plans" ADD COLUMN     "js_disk_max_stream_bytes" BIGINT NOT NULL DEFAULT -1,
ADD COLUMN     "js_max_ack_pending" INTEGER NOT NULL DEFAULT -1,
ADD COLUMN     "js_max_bytes_required" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "js_mem_max_stream_bytes" BIGINT NOT NULL DEFAULT -1;
