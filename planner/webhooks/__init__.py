"""Webhooks: an owner subscribes URLs to the business's events; each delivery is signed JSON,
sent by a background job with retries (planner/jobs), logged, and can be replayed.

- models: Subscription, Delivery
- events: the event names, and emit() (called by the services that make the events)
- sending: the HTTP POST, refusing private addresses (server-side request forgery)
- services: subscribing, delivering (the job), giving up, replaying, disabling
- views: the owner's pages
"""
