/**
 * SEC identifiers of the data set's 36 symbols: the issuer's CIK (Central Index Key, EDGAR's company number) for
 * Form 4 look-ups and the CUSIP of the listed share class that 13F information tables name. Public facts from
 * EDGAR's company pages; GOOGL is Alphabet's class A (class C, GOOG, is another security).
 */
export const SEC_SECURITIES: Readonly<Record<string, { readonly cik: string; readonly cusip: string }>> = {
  AAPL: { cik: '320193', cusip: '037833100' },
  ADBE: { cik: '796343', cusip: '00724F101' },
  AMAT: { cik: '6951', cusip: '038222105' },
  AMD: { cik: '2488', cusip: '007903107' },
  AMZN: { cik: '1018724', cusip: '023135106' },
  AVGO: { cik: '1730168', cusip: '11135F101' },
  BAC: { cik: '70858', cusip: '060505104' },
  BKNG: { cik: '1075531', cusip: '09857L108' },
  COST: { cik: '909832', cusip: '22160K105' },
  CRM: { cik: '1108524', cusip: '79466L302' },
  CSCO: { cik: '858877', cusip: '17275R102' },
  GE: { cik: '40545', cusip: '369604301' },
  GOOGL: { cik: '1652044', cusip: '02079K305' },
  HD: { cik: '354950', cusip: '437076102' },
  INTU: { cik: '896878', cusip: '461202103' },
  JNJ: { cik: '200406', cusip: '478160104' },
  JPM: { cik: '19617', cusip: '46625H100' },
  KO: { cik: '21344', cusip: '191216100' },
  LLY: { cik: '59478', cusip: '532457108' },
  MA: { cik: '1141391', cusip: '57636Q104' },
  MCD: { cik: '63908', cusip: '580135101' },
  META: { cik: '1326801', cusip: '30303M102' },
  MSFT: { cik: '789019', cusip: '594918104' },
  NFLX: { cik: '1065280', cusip: '64110L106' },
  NVDA: { cik: '1045810', cusip: '67066G104' },
  ORCL: { cik: '1341439', cusip: '68389X105' },
  PEP: { cik: '77476', cusip: '713448108' },
  PG: { cik: '80424', cusip: '742718109' },
  QCOM: { cik: '804328', cusip: '747525103' },
  TSLA: { cik: '1318605', cusip: '88160R101' },
  UNH: { cik: '731766', cusip: '91324P102' },
  V: { cik: '1403161', cusip: '92826C839' },
  WMT: { cik: '104169', cusip: '931142103' },
  XOM: { cik: '34088', cusip: '30231G102' },
  SPY: { cik: '884394', cusip: '78462F103' },
  QQQ: { cik: '1067839', cusip: '46090E103' },
};

const TICKER_BY_CUSIP = new Map(Object.entries(SEC_SECURITIES).map(([ticker, ids]) => [ids.cusip, ticker]));

export function tickerOfCusip(cusip: string): string | undefined {
  return TICKER_BY_CUSIP.get(cusip.trim().toUpperCase());
}
