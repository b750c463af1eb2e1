import { CfnOutput, Fn, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';

/** Values of a pair's Shared stack that its other stacks read, under names that never change. */
export interface ISharedExports {
  /** Exports `value` from the Shared stack as `<Shared stack name>-<name>`. */
  exportValue(name: string, value: string): void;
  /** The value exported as `name`, imported into another stack of the pair. */
  importValue(name: string): string;
}

/**
 * Exports of the Shared stack under fixed names, and their imports in the other stacks. CDK's automatic
 * cross-stack references would add and remove exports in Shared as colors come and go; these never change.
 */
export class SharedExports implements ISharedExports {
  private subnetCount = 0;
  private routeTables = true;
  private vpcCidr?: string;

  constructor(private readonly stack: Stack) {}

  public exportValue(name: string, value: string): void {
    new CfnOutput(this.stack, name, { value, exportName: this.exportName(name) });
  }

  public importValue(name: string): string {
    return Fn.importValue(this.exportName(name));
  }

  public exportVpc(vpc: ec2.IVpc, literalCidr: string): void {
    this.vpcCidr = literalCidr;
    this.exportValue('VpcId', vpc.vpcId);
    this.exportValue('VpcCidr', vpc.vpcCidrBlock);
    // An imported VPC may leave its route tables out; the colors then import the subnets without them.
    this.routeTables = vpc.privateSubnets.every((subnet) => subnet.routeTable?.routeTableId !== undefined);
    vpc.privateSubnets.forEach((subnet, i) => {
      this.exportValue(`PrivateSubnet${i + 1}Id`, subnet.subnetId);
      if (this.routeTables) this.exportValue(`PrivateSubnet${i + 1}RouteTableId`, subnet.routeTable.routeTableId);
    });
    this.subnetCount = vpc.privateSubnets.length;
  }

  public importVpc(scope: Construct, azs: string[]): ec2.IVpc {
    const n = Array.from({ length: this.subnetCount }, (_, i) => i + 1);
    return ec2.Vpc.fromVpcAttributes(scope, 'Vpc', {
      vpcId: this.importValue('VpcId'),
      // The literal block of the pair's props, not an import: each color's path-MTU rule (and the
      // synth-time proof of it, which reads one stack) then names the VPC's CIDR itself.
      vpcCidrBlock: this.vpcCidr ?? this.importValue('VpcCidr'),
      availabilityZones: azs,
      privateSubnetIds: n.map((i) => this.importValue(`PrivateSubnet${i}Id`)),
      privateSubnetRouteTableIds: this.routeTables ? n.map((i) => this.importValue(`PrivateSubnet${i}RouteTableId`)) : undefined,
    });
  }

  private exportName(name: string): string {
    return `${this.stack.stackName}-${name}`;
  }
}
