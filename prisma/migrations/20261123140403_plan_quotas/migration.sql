-- AlterTable
ALTER TABLE "accounts" ADD COLUMN     "over_quota_since" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "plans" ADD COLUMN     "monthly_bytes" BIGINT NOT NULL DEFAULT -1,
ADD COLUMN     "monthly_msgs" BIGINT NOT NULL DEFAULT -1,
ADD COLUMN     "rate_bytes" BIGINT NOT NULL DEFAULT -1,
ADD COLUMN     "rate_msgs" BIGINT NOT NULL DEFAULT -1,
ADD COLUMN     "subs_total" INTEGER NOT NULL DEFAULT -1;
