-- AlterTable
ALTER TABLE "orders" ADD COLUMN     "reason" TEXT,
ADD COLUMN     "time_in_force" TEXT NOT NULL DEFAULT 'DAY';
