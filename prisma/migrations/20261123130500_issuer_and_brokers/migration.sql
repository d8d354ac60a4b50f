-- AlterTable
ALTER TABLE "accounts" ADD COLUMN     "limits" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "api_tokens" ADD COLUMN     "role" TEXT NOT NULL DEFAULT 'tenant_member';

-- AlterTable
ALTER TABLE "exports" ADD COLUMN     "account_token_position" INTEGER;

-- AlterTable
ALTER TABLE "operators" ADD COLUMN     "api_token_key_enc" BYTEA,
ADD COLUMN     "system_user_jwt" TEXT,
ADD COLUMN     "system_user_public_key" TEXT,
ADD COLUMN     "system_user_seed_enc" BYTEA;

-- CreateTable
CREATE TABLE "brokers" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "brokers_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "brokers_name_key" ON "brokers"("name");
