-- CreateTable
CREATE TABLE "account_usage" (
    "server_id" TEXT NOT NULL,
    "server_name" TEXT NOT NULL,
    "account_key" TEXT NOT NULL,
    "period_start" TIMESTAMPTZ(3) NOT NULL,
    "base_msgs_in" BIGINT NOT NULL,
    "base_msgs_out" BIGINT NOT NULL,
    "base_bytes_in" BIGINT NOT NULL,
    "base_bytes_out" BIGINT NOT NULL,
    "base_conns" BIGINT NOT NULL,
    "base_throttled_ms" BIGINT NOT NULL,
    "last_msgs_in" BIGINT NOT NULL,
    "last_msgs_out" BIGINT NOT NULL,
    "last_bytes_in" BIGINT NOT NULL,
    "last_bytes_out" BIGINT NOT NULL,
    "last_conns" BIGINT NOT NULL,
    "last_throttled_ms" BIGINT NOT NULL,
    "peak_connections" INTEGER NOT NULL,
    "peak_subscriptions" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "account_usage_pkey" PRIMARY KEY ("server_id","account_key","period_start")
);

-- CreateIndex
CREATE INDEX "account_usage_account_key_period_start_idx" ON "account_usage"("account_key", "period_start");
