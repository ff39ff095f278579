SELECT count(*) FROM core.goals;
