"""Staff blueprint: sign-in, queue, screening detail, invitations, users and the audit trail."""
