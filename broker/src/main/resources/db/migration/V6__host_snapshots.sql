-- The snapshots a host holds, as it last reported them (names joined by ','; a name has none): the
-- reconciler places a pool's instant clones only on hosts that hold the pool's snapshot. Null: the
-- host has not said, and gets no clones.
alter table host add column snapshots text;
