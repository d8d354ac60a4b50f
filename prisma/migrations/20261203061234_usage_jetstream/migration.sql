-- AlterTable
ALTER TABLE "account_usage" ADD COLUMN     "peak_js_consumers" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "peak_js_memory" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "peak_js_storage" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "peak_js_streams" INTEGER NOT NULL DEFAULT 0;
