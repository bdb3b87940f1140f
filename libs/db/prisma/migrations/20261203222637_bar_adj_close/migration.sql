-- AlterTable
ALTER TABLE "bars" ADD COLUMN     "adj_close" DOUBLE PRECISION;
