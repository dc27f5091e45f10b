-- A restored copy must never report to Car-Pass for real.
UPDATE res_company
   SET carpass_environment = 'test',
       carpass_password = NULL
 WHERE carpass_environment = 'production' OR carpass_password IS NOT NULL;
