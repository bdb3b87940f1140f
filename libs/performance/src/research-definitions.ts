import type { MetricDefinition } from './definitions';

/**
 * The research statistics: agent calibration, adaptive consensus weights and overfitting. Rendered into
 * docs/metrics.md after the run metrics (same shape as METRIC_DEFINITIONS).
 */
export const RESEARCH_DEFINITIONS: readonly MetricDefinition[] = [
  {
    key: 'forwardReturn',
    name: 'Forward return of a decision',
    formula: 'f_h = A_{t+h} / A_t - 1, h = 1, 5, 20 trading days',
    notes:
      "A_t = the symbol's adjusted close (adjClose, else close) of the decision bar t. Known only at the close of t+h: computed after the run from the bars, never shown to a decision before then. Decisions whose t+h lies after the last bar have no outcome and are left out.",
  },
  {
    key: 'impliedUpProbability',
    name: 'Implied probability of an up move',
    formula: 'p = 0.5 + c/2 (BUY), 0.5 - c/2 (SELL), 0.5 (HOLD); c = confidence in [0, 1]',
    notes:
      'A fully confident BUY says "up for sure", a fully confident SELL "down for sure", HOLD says nothing. y = 1 when f_h > 0, else 0.',
  },
  {
    key: 'brier',
    name: 'Brier score',
    formula: 'mean over decisions of (p - y)^2',
    notes:
      'Lower is better; 0.25 = always p = 0.5 (no view). Every decision with an outcome counts, HOLD included.',
  },
  {
    key: 'hitRate',
    name: 'Hit rate by confidence bucket',
    formula:
      'share of BUY/SELL decisions with sign(f_h) = direction, per confidence bucket [0,0.2) … [0.8,1]',
    notes: 'HOLD decisions (and BUY/SELL at confidence 0) are not calls and are left out; f_h = 0 is a miss.',
  },
  {
    key: 'reliability',
    name: 'Reliability curve',
    formula: 'per bin of p (width 0.1): mean p against the observed share of y = 1',
    notes: 'A calibrated agent lies on the diagonal; bins with no decision are left out.',
  },
  {
    key: 'informationCoefficient',
    name: 'Information coefficient (IC)',
    formula: 'Spearman ρ(s, f_h), s = direction × confidence (BUY +1, SELL -1, HOLD 0)',
    notes:
      'Pearson correlation of the ranks (ties get their average rank), over all decisions with an outcome, pooled across symbols and times. Null with fewer than 3 decisions or when either side is constant.',
  },
  {
    key: 'adaptiveWeights',
    name: 'Adaptive consensus weights',
    formula: 'w_a(t) ∝ max(0, IC_a(t) × n_a / (n_a + k)), normalised to sum 1',
    notes:
      "IC_a(t) is the IC of agent a's decisions whose 5-day outcome was realised by t (close of t+5 <= t), the last 250 such outcomes; n_a their count, k = 50 the shrinkage constant. Static weights (0.6 / 0.4) while either agent has fewer than 30 realised outcomes or when every shrunk IC is <= 0.",
  },
  {
    key: 'probabilisticSharpe',
    name: 'Probabilistic Sharpe ratio',
    formula: 'PSR(SR*) = Φ((SR - SR*) × sqrt(T - 1) / sqrt(1 - γ3 × SR + (γ4 - 1)/4 × SR^2))',
    notes:
      'SR = per-period (daily) Sharpe mean/stdev of the T returns, γ3 = m3/m2^1.5 (skewness), γ4 = m4/m2^2 (kurtosis, 3 for a normal), m_k central moments with divisor T (Bailey & López de Prado, 2012).',
  },
  {
    key: 'deflatedSharpe',
    name: 'Deflated Sharpe ratio',
    formula: 'DSR = PSR(SR0), SR0 = sqrt(V) × ((1 - γ) × Φ^-1(1 - 1/N) + γ × Φ^-1(1 - 1/(N e)))',
    notes:
      "For the sweep's best case by Sharpe: N = number of cases, V = sample variance of the N per-period Sharpe ratios, γ = 0.5772156649 (Euler–Mascheroni). SR0 = 0 when N = 1. A DSR near 1 says the best Sharpe is unlikely to be the luck of the best of N (Bailey & López de Prado, 2014).",
  },
  {
    key: 'pbo',
    name: 'Probability of backtest overfitting (CSCV)',
    formula: 'PBO = #{c : λ_c <= 0} / C(S, S/2), λ_c = ln(ω_c / (1 - ω_c)), ω_c = rank_OOS(n*_c) / (N + 1)',
    notes:
      "T × N matrix of the cases' daily returns on common dates, cut into S equal blocks (S = 16, fewer for short samples; the T mod S oldest rows dropped). For each choice c of S/2 blocks as in-sample, n*_c = the case with the best in-sample Sharpe, rank_OOS its rank (1 = worst, ties averaged) by Sharpe on the other blocks (Bailey, Borwein, López de Prado & Zhu, 2015). 0.5 = selection no better than chance.",
  },
  {
    key: 'walkForwardTable',
    name: 'In-sample vs out-of-sample per walk-forward window',
    formula:
      'for window k >= 2: the case with the best Sharpe in window k-1, its Sharpe there (IS) and in window k (OOS)',
    notes:
      "With the OOS rank of that case among all cases of window k and the window's median Sharpe; walk-forward windows are separate backtests, each warmed up on bars before its start.",
  },
  {
    key: 'memorisationGap',
    name: 'Memorisation gap (`--anonymise`)',
    formula: 'gap_m = m(named run) - m(anonymised run), m ∈ {total return, Sharpe, max drawdown, trades}',
    notes:
      "The anonymised run is the same LLM backtest (same bars, figures, costs and settings) whose prompts name every ticker of the run and of the data set, and each company name, by a neutral id (ASSET_01, …, by sorted ticker), with every ISO date shifted by 2,620 weeks (18,340 days: weekdays kept) and years in text by 50; numbers in JSON prompts are untouched and answers are mapped back. A model that reads only the figures gives gap 0; a positive gap is edge that needs the names or the dates, i.e. what the model may remember of the future. Lower-cased forms are replaced too (except everyday words such as cost or visa). Not hidden: product names (iPhone), price levels, insiders' names in Form 4 evidence, other companies and events described without a name.",
  },
  {
    key: 'probeAgreement',
    name: 'Probe agreement per agent',
    formula:
      'agreement_a = #{same signal} / #{calls of a in both runs}; Δconf_a = mean |conf_named - conf_anonymised|',
    notes:
      'Calls matched by decision time, symbol and agent. After the first differing trade the runs hold different books, so later calls of the risk manager and portfolio manager may differ for that reason alone; the analysts (technical, sentiment) see the same figures in both runs whatever was traded.',
  },
];
