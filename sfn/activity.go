package sfn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/openswf/openswf"
	"github.com/openswf/openswf/awsjson"
	"github.com/openswf/openswf/engine"
)

// activityVersion is the version of the activity type an activity is: Step Functions activities have none.
const activityVersion = "1"

// maxTags is how many tags a Step Functions resource may carry.
const maxTags = 50

type tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

type encryptionConfiguration struct {
	KmsKeyID                     string `json:"kmsKeyId,omitempty"`
	KmsDataKeyReusePeriodSeconds *int   `json:"kmsDataKeyReusePeriodSeconds,omitempty"`
	Type                         string `json:"type"`
}

// activityAttributes are what an activity keeps beside its type record.
type activityAttributes struct {
	Encryption *encryptionConfiguration `json:"encryptionConfiguration,omitempty"`
}

type createActivityInput struct {
	Name       string                   `json:"name"`
	Tags       []tag                    `json:"tags"`
	Encryption *encryptionConfiguration `json:"encryptionConfiguration"`
}

type createActivityOutput struct {
	ActivityArn  string        `json:"activityArn"`
	CreationDate awsjson.Epoch `json:"creationDate"`
}

func resourceTags(tags []tag) []openswf.ResourceTag {
	out := make([]openswf.ResourceTag, len(tags))
	for i, t := range tags {
		out[i] = openswf.ResourceTag{Key: t.Key, Value: t.Value}
	}
	return out
}

// createActivity creates an activity, or answers the one of that name: CreateActivity is idempotent on the
// name, whatever the tags of the later calls.
func (s *Service) createActivity(ctx context.Context, in *createActivityInput) (any, error) {
	if err := checkName(in.Name); err != nil {
		return nil, err
	}
	if len(in.Tags) > maxTags {
		return nil, fault("TooManyTags", fmt.Sprintf("Too many tags: at most %d tags are allowed", maxTags))
	}
	if in.Encryption != nil && in.Encryption.Type != "AWS_OWNED_KEY" {
		return nil, fault("InvalidEncryptionConfiguration",
			"Invalid Encryption Configuration: only AWS_OWNED_KEY is supported: this server has no KMS")
	}
	err := s.registerActivityType(ctx, in.Name, resourceTags(in.Tags), in.Encryption)
	if err != nil && openswf.KindOf(err) != openswf.KindAlreadyExists {
		return nil, err
	}
	t, err := s.activity(ctx, in.Name)
	if err != nil {
		return nil, err
	}
	return &createActivityOutput{ActivityArn: s.arn(arnActivity, in.Name), CreationDate: awsjson.Epoch(t.CreatedAt)}, nil
}

// registerActivityType registers the activity type of an activity, whose task list has its name.
func (s *Service) registerActivityType(ctx context.Context, name string, tags []openswf.ResourceTag, enc *encryptionConfiguration) error {
	attrs, err := json.Marshal(activityAttributes{Encryption: enc})
	if err != nil {
		return err
	}
	return s.eng.RegisterType(ctx, openswf.KindActivityType, engine.RegisterTypeInput{
		Domain: Domain, Name: name, Version: activityVersion, TaskList: &openswf.TaskList{Name: name},
		Tags: tags, Attributes: attrs,
	})
}

// activity returns the type record of a registered activity; ErrNotFound for none (a deleted one included).
func (s *Service) activity(ctx context.Context, name string) (*openswf.TypeRecord, error) {
	t, err := s.eng.DescribeType(ctx, openswf.KindActivityType, Domain, name, activityVersion)
	if openswf.KindOf(err) == openswf.KindUnknownResource || (err == nil && t.Status != openswf.StatusRegistered) {
		return nil, openswf.ErrNotFound
	}
	return t, err
}

// activityByARN returns the activity an ARN names, answering InvalidArn or ActivityDoesNotExist.
func (s *Service) activityByARN(ctx context.Context, arn string) (*openswf.TypeRecord, error) {
	p, err := s.parseARN(arn, arnActivity)
	if err != nil {
		return nil, err
	}
	if !p.local || !validName(p.names[0]) {
		return nil, activityDoesNotExist(arn)
	}
	t, err := s.activity(ctx, p.names[0])
	if errors.Is(err, openswf.ErrNotFound) {
		return nil, activityDoesNotExist(arn)
	}
	return t, err
}

type activityArnInput struct {
	ActivityArn string `json:"activityArn"`
}

type describeActivityOutput struct {
	ActivityArn  string                   `json:"activityArn"`
	Name         string                   `json:"name"`
	CreationDate awsjson.Epoch            `json:"creationDate"`
	Encryption   *encryptionConfiguration `json:"encryptionConfiguration,omitempty"`
}

func (s *Service) describeActivity(ctx context.Context, in *activityArnInput) (any, error) {
	t, err := s.activityByARN(ctx, in.ActivityArn)
	if err != nil {
		return nil, err
	}
	out := &describeActivityOutput{ActivityArn: s.arn(arnActivity, t.Name), Name: t.Name, CreationDate: awsjson.Epoch(t.CreatedAt)}
	var attrs activityAttributes
	if len(t.Attributes) > 0 {
		if err := json.Unmarshal(t.Attributes, &attrs); err != nil {
			return nil, fmt.Errorf("read activity %s: %w", t.Name, err)
		}
	}
	out.Encryption = attrs.Encryption
	return out, nil
}

// deleteActivity deletes an activity. Deleting one that does not exist succeeds, as on AWS. Tasks already
// scheduled on it stay; executions that reach it later fail.
func (s *Service) deleteActivity(ctx context.Context, in *activityArnInput) (any, error) {
	p, err := s.parseARN(in.ActivityArn, arnActivity)
	if err != nil {
		return nil, err
	}
	if !p.local || !validName(p.names[0]) {
		return empty{}, nil
	}
	name := p.names[0]
	err = s.eng.DeprecateType(ctx, openswf.KindActivityType, Domain, name, activityVersion)
	if err != nil && !isAny(err, openswf.KindUnknownResource, openswf.KindDeprecated) {
		return nil, err
	}
	err = s.eng.DeleteType(ctx, openswf.KindActivityType, Domain, name, activityVersion)
	if err != nil && !isAny(err, openswf.KindUnknownResource) {
		return nil, err
	}
	return empty{}, nil
}

func isAny(err error, kinds ...openswf.ErrorKind) bool {
	k := openswf.KindOf(err)
	for _, want := range kinds {
		if k == want {
			return true
		}
	}
	return false
}

type listInput struct {
	MaxResults int    `json:"maxResults"`
	NextToken  string `json:"nextToken"`
}

type activityListItem struct {
	ActivityArn  string        `json:"activityArn"`
	Name         string        `json:"name"`
	CreationDate awsjson.Epoch `json:"creationDate"`
}

type listActivitiesOutput struct {
	Activities []activityListItem `json:"activities"`
	NextToken  string             `json:"nextToken,omitempty"`
}

// defaultPage is the page size of the list operations when maxResults is 0.
const defaultPage = 100

func (s *Service) listActivities(ctx context.Context, in *listInput) (any, error) {
	size := in.MaxResults
	if size == 0 {
		size = defaultPage
	}
	ts, next, err := s.eng.ListTypes(ctx, openswf.KindActivityType, engine.ListTypesInput{
		Domain: Domain, Status: openswf.StatusRegistered, NextPageToken: in.NextToken, PageSize: size,
	})
	if openswf.KindOf(err) == openswf.KindValidation && in.NextToken != "" {
		return nil, fault("InvalidToken", fmt.Sprintf("Invalid Token: '%s'", in.NextToken))
	}
	if err != nil {
		return nil, err
	}
	out := &listActivitiesOutput{Activities: make([]activityListItem, 0, len(ts)), NextToken: next}
	for _, t := range ts {
		if !validName(t.Name) {
			continue // the server's own integration and callback types
		}
		out.Activities = append(out.Activities, activityListItem{
			ActivityArn: s.arn(arnActivity, t.Name), Name: t.Name, CreationDate: awsjson.Epoch(t.CreatedAt),
		})
	}
	return out, nil
}
