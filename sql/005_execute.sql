-- 005_execute: what tb-execute needs beyond 001_init.
-- The price per share in EUR a trade was sized or filled at, so real and
-- virtual trades can be compared without redoing the FX conversion.
ALTER TABLE trades ADD COLUMN price_eur REAL;
