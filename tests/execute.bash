# execute.bash - a trading day up to tb-execute: decision prices, picks,
# an approval, and the fake Yahoo quoting the market now.  Shared by
# execute.bats and money.bats.
#
#   load execute        (after load helpers; DAY must be set)
#
# The standard day is Monday 2026-11-23: claude is the main trader,
# minimax the virtual one.  Prices: ASML.AS 700 EUR, AIR.PA 150 EUR,
# SHEL.L 2650 GBp with EURGBP 0.85 (85 pence per EUR), AAPL 227.56 USD
# with EURUSD 1.0821, SAP.DE 200 EUR.

ORDERS=/api/v0/equity/orders/market

# market ROW...: "symbol|currency|price|price_eur|eur_rate" market_data
# rows (the decision's prices), and the fake Yahoo quoting each symbol at
# that price now (its whole chart scaled to it: a market that held still).
market() {
	local row sym cur price eur rate quotes
	quotes=$(fake_state yahoo.quotes)
	for row in "$@"; do
		IFS='|' read -r sym cur price eur rate <<<"$row"
		tb_sql "INSERT INTO market_data (date, symbol, status, currency,
		    price, price_eur, eur_rate, fetched_at) VALUES ('$DAY',
		    '$sym', 'ok', '$cur', $price, ${eur:-NULL}, ${rate:-NULL},
		    '${DAY}T16:00:00Z')"
		quotes=$(jq -c --arg s "$sym" --argjson p "$price" \
		    '.[$s] = {at: $p}' <<<"$quotes")
	done
	fake_set "{\"yahoo.quotes\": $quotes}"
}

# quote SYMBOL JSON: change what the fake Yahoo quotes for SYMBOL now
# (tests/fakes/README.md, yahoo.quotes), keeping the other symbols.
quote() {
	fake_set "{\"yahoo.quotes\": $(fake_state yahoo.quotes |
	    jq -c --arg s "$1" --argjson q "$2" '.[$s] = $q')}"
}

# pick LLM TICKER AMOUNT STATUS INDEX: one daily_picks row.
pick() {
	local main=0
	[ "$1" = claude ] && main=1
	tb_sql "INSERT INTO daily_picks (date, llm_name, ticker, allocation_pct,
	    amount_eur, is_main_trader, status, pick_index, created_at)
	    VALUES ('$DAY', '$1', '$2', $3, $3, $main, '$4', $5,
	    '${DAY}T16:10:00Z')"
}

llm_ok() {
	tb_sql "INSERT INTO llm_runs (date, llm_name, provider, model, status,
	    started_at) VALUES ('$DAY', '$1', 'x', 'x', 'ok', '${DAY}T16:10:00Z')"
}

approve_all() {
	tb_sql "INSERT INTO approvals (date, llm_name, decision, decided_by,
	    decided_at) VALUES ('$DAY', 'claude', 'approve_all', 'flag',
	    '${DAY}T16:11:00Z')"
}

# The standard day: four approved claude picks, two minimax picks.
standard_day() {
	market "ASML.AS|EUR|700|700|1" "AIR.PA|EUR|150|150|1" \
	    "SHEL.L|GBp|2650|31.1765|85" "AAPL|USD|227.56|210.2948|1.0821" \
	    "EURGBP=X|GBP|0.85" "EURUSD=X|USD|1.0821" "SAP.DE|EUR|200|200|1"
	llm_ok claude
	llm_ok minimax
	pick claude ASML.AS 40 approved 1
	pick claude AIR.PA 20 approved 2
	pick claude SHEL.L 20 approved 3
	pick claude AAPL 20 approved 4
	pick minimax SAP.DE 60 proposed 1
	pick minimax AAPL 40 proposed 2
	approve_all
}

# The bodies of the market orders the fake received, one per line.
order_bodies() {
	fakereq -m POST -p "$ORDERS" -F body
}

# trade SQL-WHERE COLUMNS: one trades row's columns, '|'-separated.
trade() {
	tb_sql "SELECT $2 FROM trades WHERE $1"
}
