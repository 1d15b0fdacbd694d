"""The service module's pages: tickets, the customer's status page, set-up."""
