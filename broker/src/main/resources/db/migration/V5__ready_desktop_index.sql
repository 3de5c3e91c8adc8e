-- Connect takes the oldest READY desktop of a pool (order by created_at limit 1 for update skip
-- locked). With only (pool_id, state) to go on, every connect read and sorted all the pool's READY
-- rows; this index hands them out in order, so a connect reads the first row nobody has locked.
create index desktop_ready on desktop (pool_id, created_at) where state = 'READY';
