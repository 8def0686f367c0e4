package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// domainInfo is what the domains table reads of ListDomains' domainInfos.
type domainInfo struct {
	Name        string `json:"name"`
	Status      string `json:"status"`
	Description string `json:"description"`
}

// domains is `openswf domains`: ListDomains, every page; the table adds each domain's retention from
// DescribeDomain, which ListDomains does not give ("?" where DescribeDomain is refused).
func (in *inspector) domains(ctx context.Context, args []string) error {
	fs, g := in.flagSet("domains", "domains [--registration-status REGISTERED|DEPRECATED]\n\nLists the SWF domains: name, status, retention, description.")
	status := fs.String("registration-status", "REGISTERED", "REGISTERED or DEPRECATED")
	pos, err := in.parse(fs, g, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("domains: unexpected argument %q", pos[0])
	}
	*status = strings.ToUpper(*status)
	if *status != "REGISTERED" && *status != "DEPRECATED" {
		return usagef("domains: --registration-status %q: want REGISTERED or DEPRECATED", *status)
	}
	c, err := in.client(g)
	if err != nil {
		return err
	}
	merged, items, err := c.pages(ctx, serviceSWF, "ListDomains", map[string]any{"registrationStatus": *status, "maximumPageSize": 1000},
		"domainInfos", "nextPageToken", 0, nil)
	if err != nil {
		return err
	}
	if g.output == "json" {
		return in.writeJSON(merged)
	}
	tw := newTable(in.out)
	fmt.Fprintln(tw, "NAME\tSTATUS\tRETENTION\tDESCRIPTION")
	for _, raw := range items {
		var d domainInfo
		if err := json.Unmarshal(raw, &d); err != nil {
			return fmt.Errorf("ListDomains: decode a domain: %w", err)
		}
		retention := "?"
		data, err := c.call(ctx, serviceSWF, "DescribeDomain", map[string]any{"name": d.Name})
		if code := exitCode(err); code == exitDenied || code == exitNotFound {
			// A caller may list domains and be refused one's description (or it went between the calls):
			// its row stays, without the retention.
			data, err = nil, nil
		}
		if err != nil {
			return err
		}
		var desc struct {
			Configuration struct {
				Retention string `json:"workflowExecutionRetentionPeriodInDays"`
			} `json:"configuration"`
		}
		if json.Unmarshal(data, &desc) == nil && desc.Configuration.Retention != "" {
			retention = desc.Configuration.Retention + " days"
			if desc.Configuration.Retention == "1" {
				retention = "1 day"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", d.Name, d.Status, retention, dash(truncate(d.Description, 60)))
	}
	return tw.Flush()
}
