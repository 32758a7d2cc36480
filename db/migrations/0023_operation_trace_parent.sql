-- Traces (issue 11): the intake span as a W3C traceparent, so each step attempt's span (in any worker) is its child.
ALTER TABLE "operations" ADD COLUMN "trace_parent" text;