import { describeBasicExample } from '../../../test/support/basic-example-spec.js';
import { createApp } from '../app.js';

describeBasicExample('koa-basic', () => createApp().callback());
