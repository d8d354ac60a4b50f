-- AlterTable
ALTER TABLE "account_usage" ADD COLUMN     "peak_leaf_nodes" INTEGER NOT NULL DEFAULT 0;
