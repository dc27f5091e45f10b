-- A restored copy must never report to Car-Pass for real: every establishment points at
-- Car-Pass's test environment and loses its password, so nothing is sent until an
-- administrator sets test credentials on purpose.
UPDATE res_company
   SET carpass_environment = 'test',
       carpass_password = NULL;
