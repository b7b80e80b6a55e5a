namespace LineConnector.Core.Storage;

/// <summary>
/// Table Storage's error codes (the <c>odata.error</c> code of a failed request) that both stores
/// report in <see cref="TableStoreException.ErrorCode"/>.
/// </summary>
public static class TableErrorCodes
{
    public const string TableNotFound = "TableNotFound";
    public const string TableAlreadyExists = "TableAlreadyExists";
    public const string ResourceNotFound = "ResourceNotFound";
    public const string EntityAlreadyExists = "EntityAlreadyExists";
    public const string UpdateConditionNotSatisfied = "UpdateConditionNotSatisfied";
    public const string InvalidResourceName = "InvalidResourceName";
    public const string InvalidInput = "InvalidInput";
    public const string PropertyNameInvalid = "PropertyNameInvalid";
    public const string PropertyValueTooLarge = "PropertyValueTooLarge";
    public const string TooManyProperties = "TooManyProperties";
    public const string EntityTooLarge = "EntityTooLarge";
    public const string CommandsInBatchActOnDifferentPartitions = "CommandsInBatchActOnDifferentPartitions";
    public const string AuthenticationFailed = "AuthenticationFailed";
    public const string AuthorizationFailure = "AuthorizationFailure";
    public const string AuthorizationPermissionMismatch = "AuthorizationPermissionMismatch";
}
