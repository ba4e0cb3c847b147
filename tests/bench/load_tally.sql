-- Independent recount of an assembly's votes for `make loadtest`, straight from the stored
-- ballots, without the model: public resolutions from the choice on each ballot, secret
-- ones from the used slots of their urn. One row per resolution and college
-- (0 without college): resolution, college, yes, no, abstain.
SELECT b.resolution_id,
       COALESCE(b.college_id, 0),
       count(*) FILTER (WHERE b.choice = 'yes'),
       count(*) FILTER (WHERE b.choice = 'no'),
       count(*) FILTER (WHERE b.choice = 'abstain')
  FROM (SELECT resolution_id, college_id, choice
          FROM coop_ballot
         WHERE assembly_id = %(assembly)s AND NOT secret
         UNION ALL
        SELECT s.resolution_id, s.college_id, s.choice
          FROM coop_ballot_secret s
          JOIN coop_resolution r ON r.id = s.resolution_id
         WHERE r.assembly_id = %(assembly)s AND s.used) b
 GROUP BY 1, 2
