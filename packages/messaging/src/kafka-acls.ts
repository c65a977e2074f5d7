import { kafkaAclsOf, type KafkaAclOperation, type KafkaService } from '@switchyard/contracts';
import kafkajs, { type AclEntry, type Admin } from 'kafkajs';

// Node's ESM loader does not see these among kafkajs's CommonJS exports (its lexer stops
// early in the export list): take them from the module object.
const { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } = kafkajs;

const operations: Record<KafkaAclOperation, kafkajs.AclOperationTypes> = {
  Read: AclOperationTypes.READ,
  Write: AclOperationTypes.WRITE,
  Describe: AclOperationTypes.DESCRIBE,
  Delete: AclOperationTypes.DELETE,
};

/** A service's ACLs (contracts' kafkaAclsOf) as kafkajs entries for the Kafka user `principal`. */
export function kafkaAclEntriesOf(
  service: KafkaService,
  options: { principal?: string; namespace?: string } = {},
): AclEntry[] {
  const principal = `User:${options.principal ?? service}`;
  return kafkaAclsOf(service, options.namespace).flatMap((acl) =>
    acl.operations.map((operation) => ({
      resourceType: acl.resource === 'topic' ? AclResourceTypes.TOPIC : AclResourceTypes.GROUP,
      resourceName: acl.name,
      resourcePatternType:
        acl.pattern === 'prefix' ? ResourcePatternTypes.PREFIXED : ResourcePatternTypes.LITERAL,
      principal,
      host: '*',
      operation: operations[operation],
      permissionType: AclPermissionTypes.ALLOW,
    })),
  );
}

/**
 * Grant a service's Kafka user what the topic-access table allows it, on a broker that
 * enforces ACLs (the local SCRAM broker; production's come from Strimzi KafkaUsers). Needs an
 * admin connected as a super user. Granting again is harmless.
 */
export async function grantKafkaAcls(
  admin: Admin,
  service: KafkaService,
  options: { principal?: string; namespace?: string } = {},
): Promise<void> {
  await admin.createAcls({ acl: kafkaAclEntriesOf(service, options) });
}
