-- CreateIndex
CREATE UNIQUE INDEX "portfolio_snapshots_run_id_correlation_id_key" ON "portfolio_snapshots"("run_id", "correlation_id");
