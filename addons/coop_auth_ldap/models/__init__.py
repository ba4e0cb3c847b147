from . import res_company_ldap
